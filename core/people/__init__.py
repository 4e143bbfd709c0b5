"""People and access: spaces and roles, the store as one person sees it, who is behind an e-mail
address, limits and the audit trail."""
