"""The only code that talks to services outside the portal; one module per service."""
