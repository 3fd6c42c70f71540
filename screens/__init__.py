"""Textual screens of inspector: UI only; business rules live in inspector/."""
