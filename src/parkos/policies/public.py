"""What other apps (and the readers) may use of `policies`: an enterprise's matched clauses with the reasons, and
each policy's figures."""

from .selectors import enterprise_matches, policy_figures, policy_list

__all__ = ["enterprise_matches", "policy_figures", "policy_list"]
