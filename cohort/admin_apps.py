"""django.contrib.admin with the portal's site (cohort/admin_site.py), named in INSTALLED_APPS."""

from django.contrib.admin.apps import AdminConfig


class PortalAdminConfig(AdminConfig):
    """django.contrib.admin with the portal's site (cohort/admin_site.py)."""

    default_site = "cohort.admin_site.PortalAdminSite"
