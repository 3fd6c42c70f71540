"""The committee's 通报: its figures (figures), charts (charts) and the Word document (in inspector/documents/report.py)."""
