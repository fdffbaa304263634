"""`python -m kozani_hub` is the same as `kozani-hub`."""

import sys

from kozani_hub.cli import main

sys.exit(main())
