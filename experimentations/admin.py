"""The staff's workplace for Action 7 (Django admin).

The financial tools and calls for projects are in `experimentations.admin_tools`; each part
adds its own module here. Importing them registers them.
"""

from experimentations import (
    admin_alerts,  # noqa: F401
    admin_tools,  # noqa: F401
)
