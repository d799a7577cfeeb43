from django.apps import AppConfig


def _communication_changed(sender, **kwargs):
    # Cache invalidation only: whatever writes news or events (admin, services, shell),
    # the cached pages are dropped once the write is committed.
    from django.db import transaction

    from communication.cache import bump_version

    transaction.on_commit(bump_version)


class CommunicationConfig(AppConfig):
    name = "communication"
    verbose_name = "Communication (action 4)"

    def ready(self):
        from django.db.models.signals import m2m_changed, post_delete, post_save

        from communication import newsletter
        from communication import personal_data as communication_personal_data
        from communication.selectors import territory_agenda_link
        from communication.services import publish_news_item
        from communication.territory_block import BLOCK
        from lib import news, personal_data, territory_blocks
        from lib.media import delete_files_with_rows
        from lib.territory_links import register_territory_link
        from messagerie.links import register_link_builder

        register_link_builder(newsletter.CONFIRM_LINK, newsletter.build_confirm_link)
        register_territory_link("agenda", territory_agenda_link)
        territory_blocks.register(BLOCK)
        news.register_publisher("actualites", publish_news_item)
        personal_data.register(communication_personal_data.PROVIDER)

        for model_name in ("NewsArticle", "Event", "NewsCategory", "Tag"):
            model = self.get_model(model_name)
            post_save.connect(_communication_changed, sender=model, dispatch_uid=f"communication_save_{model_name}")
            post_delete.connect(_communication_changed, sender=model, dispatch_uid=f"communication_del_{model_name}")
        article = self.get_model("NewsArticle")
        for relation in (article.tags.through, article.territories.through, article.organisations.through):
            m2m_changed.connect(_communication_changed, sender=relation, dispatch_uid=f"communication_m2m_{relation}")
        # Uploaded files go with their rows, once the deletion is committed.
        for model_name in ("NewsArticle", "Event"):
            delete_files_with_rows(self.get_model(model_name))
