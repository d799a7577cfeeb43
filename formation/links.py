"""The private links of Action 6 (messagerie.links), registered in FormationConfig.ready()."""

from messagerie.links import register_link_builder


def register() -> None:
    from formation import registrations

    register_link_builder(registrations.REGISTRATION_LINK, registrations.build_registration_link)
