from autoresearch_helpers.cli import exit_now, main

exit_now(main())
