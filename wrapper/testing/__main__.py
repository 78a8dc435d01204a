"""``python -m gemwire.testing check-cassettes PATH...``: the ``gemwire`` command."""

import sys

from gemwire.testing._cli import main

sys.exit(main())
