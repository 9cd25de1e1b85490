"""Keeping the hub current with arXiv: the sync (OAI-PMH then RSS), its checkpoints and its schedule."""
