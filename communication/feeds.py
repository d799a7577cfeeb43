"""RSS 2.0 and Atom feeds of the published news (drafts and scheduled items never appear)."""

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.http import HttpResponse
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed

from communication import cache, selectors

FEED_SIZE = 20


class LatestNewsRss(Feed):
    title = f"Actualités — {settings.SITE_NAME}"
    description = "Les actualités de l'économie sociale et solidaire à La Réunion et de la CRESS."
    language = "fr"

    def link(self):
        return reverse("actualites:index")

    def items(self):
        return selectors.news_list()[:FEED_SIZE]

    def item_title(self, item):
        return item.title

    def item_description(self, item):
        return item.summary

    def item_pubdate(self, item):
        return item.publish_at

    def item_updateddate(self, item):
        return item.updated_at

    def item_categories(self, item):
        return [item.category.name] if item.category_id else []

    def item_guid(self, item):
        return settings.SITE_URL + item.get_absolute_url()

    item_guid_is_permalink = True


class LatestNewsAtom(LatestNewsRss):
    feed_type = Atom1Feed
    subtitle = LatestNewsRss.description

    def link(self):
        return reverse("actualites:index")


def cached(feed_class):
    """The feed as a view served from the communication cache (dropped on every change,
    expiring at the next scheduled publication), per host since its links are absolute."""
    feed = feed_class()

    def view(request):
        def render():
            response = feed(request)
            return (response.content, response["Content-Type"]), True

        content, content_type = cache.fragment(f"flux-{feed_class.__name__}", (request.get_host(),), render)
        return HttpResponse(content, content_type=content_type)

    return view
