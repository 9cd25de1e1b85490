"""Email: delivery backends, subscriptions, digests delivered exactly once."""
