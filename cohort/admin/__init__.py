"""The core's admin, one module per job (members, pages, slack); importing this package
registers them all. Other apps build on CohortScopedAdmin and ReadOnlyAdminMixin from here."""

from cohort.admin.members import CohortAdmin, InvitationAdmin, MembershipAdmin, UserAdmin
from cohort.admin.pages import (
    AnnouncementAdmin,
    FAQEntryAdmin,
    ResourceInline,
    ResourceSectionAdmin,
)
from cohort.admin.readonly import ReadOnlyAdminMixin
from cohort.admin.slack import NotificationAdmin, SlackMessageAdmin
from cohort.admin_scoping import CohortScopedAdmin

__all__ = [
    "AnnouncementAdmin",
    "CohortAdmin",
    "CohortScopedAdmin",
    "FAQEntryAdmin",
    "InvitationAdmin",
    "MembershipAdmin",
    "NotificationAdmin",
    "ReadOnlyAdminMixin",
    "ResourceInline",
    "ResourceSectionAdmin",
    "SlackMessageAdmin",
    "UserAdmin",
]
