"""Content's typed errors: bad post or topic input (per field), a review step not allowed now."""


class ContentError(ValueError):
    """Bad post input: field -> message, shown next to the field."""

    def __init__(self, errors: dict[str, str]):
        super().__init__(errors)
        self.errors = errors


class ReviewError(ValueError):
    """A review step that is not allowed now; the message says why."""
