"""Personal ranking ("For you"): a reader's library ranks new papers by their content alone.

`features` turns papers into tf-idf rows and sentence vectors, `methods` holds the default ranker and the
published recipes it is measured against, `evaluate` replays recommendation events (`dailypapers eval-recs`).
"""
