"""The RSS 2.0 feed of the newest open offers (django.contrib.syndication)."""

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.urls import reverse

from emplois import selectors

FEED_SIZE = 30


class NewOffersFeed(Feed):
    title = f"Offres d'emploi et missions bénévoles de l'ESS — {settings.SITE_NAME}"
    description = "Les dernières offres d'emploi et missions bénévoles des structures de l'ESS de La Réunion."
    language = "fr"

    def link(self):
        return reverse("emplois:index")

    def items(self):
        return selectors.feed_offers(FEED_SIZE)

    def item_title(self, item):
        return f"{item.title} — {item.organisation.name}"

    def item_description(self, item):
        closes = selectors.french_date(item.closes_on)
        return f"{selectors.card_summary(item)}. Candidatures jusqu'au {closes}."

    def item_link(self, item):
        return selectors.offer_url(item)

    def item_pubdate(self, item):
        return item.published_at

    def item_updateddate(self, item):
        return item.updated_at

    def item_categories(self, item):
        return [item.get_contract_display(), item.rome.domain.label]

    def item_guid(self, item):
        return settings.SITE_URL + selectors.offer_url(item)

    item_guid_is_permalink = True
