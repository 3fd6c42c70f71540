"""The committee's read side: rectification ledger rows, weak/lax ledger, coverage."""
