"""Textual screens of inspector: UI only; business rules live in inspector/."""

import os

# Some terminals lose input-method text under the kitty keyboard protocol; this
# must be set before textual is first imported.
os.environ.setdefault("TEXTUAL_DISABLE_KITTY_KEY", "1")
