"""Opening a session in tests: the one place that does it for the access tests.

When staff need a second factor, this is where a test session gets marked verified.
"""


def login_as(client, user):
    """Log `user` in on the Django test client, as after a complete login."""
    client.force_login(user)
    return client
