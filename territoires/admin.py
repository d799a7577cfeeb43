"""The staff's workplace for Action 2 (Django admin).

Plans, their axes, actions (workflow buttons) and indicators are in
`territoires.admin_plans`; public policies and PTCE in `territoires.admin_policies`.
Importing them registers them.
"""

from territoires import admin_plans, admin_policies  # noqa: F401
