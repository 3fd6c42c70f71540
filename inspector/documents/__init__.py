"""Word documents in the official format (GB/T 9704): the only users of python-docx."""
