"""`python -m core COMMAND ...`: the headless command line (see core.cli)."""

import os
import sys

from core.cli import main

if __name__ == "__main__":
    os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
    sys.exit(main())
