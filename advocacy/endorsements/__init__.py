"""Leaders' endorsements of posts, curators' requests for them, and kudos to ambassadors."""
