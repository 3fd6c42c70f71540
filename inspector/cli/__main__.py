"""`python -m inspector.cli`, as the benchmarks start the app."""

import sys

from inspector.cli import main

sys.exit(main())
