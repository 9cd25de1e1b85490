"""Community features: accounts and sessions, submissions, upvotes, comments, moderation and rate limits.

The logic lives here; SQL stays in `dailypapers.store`, HTTP in `dailypapers.web.routes.community`.
"""
