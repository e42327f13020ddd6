"""What stops an import, and the list of problems a plan collects."""

from django.conf import settings
from django.utils.translation import gettext as _

from cadence.core.tabular import RowError


class Problems(list[RowError]):
    """The errors of one plan, each named by the file's own header for its field."""

    def __init__(self, errors: list[RowError], header_of: dict[str, str]) -> None:
        super().__init__(errors)
        self.header_of = header_of

    def add(self, line: int, field_name: str, reason: str) -> None:
        self.append(RowError(line, self.header_of.get(field_name, field_name), reason))


class ImportBlocked(Exception):  # noqa: N818 - reads better at the raise site
    """``people_import`` refused to write anything."""


class ImportHasErrors(ImportBlocked):
    def __init__(self, errors: list[RowError]) -> None:
        self.errors = errors
        super().__init__(
            _("The file has %(n)d error(s); nothing was imported.") % {"n": len(errors)}
        )


class MassDeactivationRefused(ImportBlocked):
    def __init__(self, count: int, share: float) -> None:
        self.count, self.share = count, share
        super().__init__(
            _(
                "This import would deactivate %(n)d people (%(share)s of the organisation), "
                "more than the %(limit)s allowed without confirmation. Check that the file "
                "is complete, then confirm."
            )
            % {
                "n": count,
                "share": f"{share:.0%}",
                "limit": f"{settings.CADENCE_IMPORT_MAX_DEACTIVATE_SHARE:.0%}",
            }
        )
