import sys

from autoresearch_dashboard.app import main

sys.exit(main())
