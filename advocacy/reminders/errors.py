"""The one error of the reminder services: bad input, with a message shown to the person."""


class ReminderError(ValueError):
    """Bad input to a reminder service; the message is shown to the person."""
