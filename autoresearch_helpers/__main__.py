import sys

from autoresearch_helpers.cli import main

sys.exit(main())
