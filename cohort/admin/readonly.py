"""The admin's read-only shape for records that only services write."""


class ReadOnlyAdminMixin:
    """For records that change only through services, or never (audit trails, outboxes):
    the admin lists and shows them, and offers its actions, but no add, edit or delete form."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
