"""Designs: components and their links (``component``), the design container (``design``), loading
(``loader``) and export (``export``). Import from the submodules; this package stays light so the
blueprints can import the component base without a cycle.
"""
