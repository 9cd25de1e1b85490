"""A reader's personal library: saving, tags, notes, "not interested", and moving it in and out as BibTeX, RIS,
CSL-JSON or plain arXiv ids."""
