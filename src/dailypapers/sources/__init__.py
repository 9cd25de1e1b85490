"""Clients for arXiv's public interfaces (OAI-PMH, RSS, the query API), all sharing one polite connection."""
