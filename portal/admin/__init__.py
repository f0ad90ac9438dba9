"""Running the portal: backups and restore, the demo CPTS, the home page's figures
(overview) and the audit log as people read it (journal).

Sits above the domains: may import any package but portal.ui and portal.pages.
"""
