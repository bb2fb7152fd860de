from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EnterprisesConfig(AppConfig):
    name = "parkos.enterprises"
    label = "enterprises"
    verbose_name = _("Enterprises")

    def ready(self) -> None:
        from . import search

        search.register()
        from parkos.core import registries

        from . import (
            figures,
            imports,  # noqa: F401  (registers the Excel importers)
            selectors,
            services,
            tiles,
            totals,
        )

        figures.register()
        totals.connect()
        registries.daily_jobs.register(
            registries.DailyJob(
                "enterprises.totals",
                _("Rebuild the monthly totals of the registry"),
                totals.daily_refresh,
                order=50,
            )
        )
        tiles.register()

        registries.enterprise_directory.register(
            registries.EnterpriseDirectory(
                key="enterprises",
                find=lambda actor, uscc: selectors.enterprise_by_uscc(user=actor, uscc=uscc),
                may_manage=lambda actor, ent: selectors.enterprise_is_managed_by(user=actor, enterprise=ent),
                link=services.account_link,
                unlink=services.account_unlink,
            )
        )
