"""The staff's workplace for Action 1 (Django admin).

Partners, conventions, amendments, commitments, deliverables and published figures are in
`partenariats.admin_conventions`; steering committees, their participants and decisions in
`partenariats.admin_committees`; a convention's conversation with its partners in
`partenariats.admin_messages`. Importing them registers them.
"""

from partenariats import admin_committees, admin_conventions, admin_messages  # noqa: F401
