"""The verbs news copy uses to report speech: "said", "told", "according to", "warned".

One shared pattern, so finding quotations, people and speakers all agree on
what counts as an attribution. It matches words only; it never decides who
is speaking.
"""

from __future__ import annotations

import re

__all__ = ["SPEECH_VERB"]

# Verbs (and one preposition) that introduce or attribute reported speech. Case
# matters: "States" in "the United States" is not "states". Forms that are
# mostly nouns in business news ("claims", "notes", "comments", "calls") are left out.
SPEECH_VERB = re.compile(
    r"(?<![\w-])(?:"
    r"[Aa]ccording\s+to|quoted\s+as\s+saying|"
    r"sa(?:id|ys|y|ying)|t(?:old|ells?|elling)|add(?:ed|s|ing)|stat(?:ed|ing)|"
    r"explain(?:ed|s|ing)?|insist(?:ed|s|ing)?|argu(?:ed|es|ing)|warn(?:ed|s|ing)?|"
    r"claim(?:ed|ing)|not(?:ed|ing)|comment(?:ed|ing)|continu(?:ed|es)|"
    r"declar(?:ed|es|ing)|announc(?:ed|es|ing)|wr(?:ote|ites|iting)|ask(?:ed|s)|"
    r"repl(?:ied|ies)|respond(?:ed|s)|answer(?:ed|s)|admit(?:ted|s)|acknowledg(?:ed|es)|"
    r"suggest(?:ed|s)|observ(?:ed|es)|remark(?:ed|s)|stress(?:ed|es)|"
    r"emphasi[sz](?:ed|es)|urg(?:ed|es)|predict(?:ed|s)|conced(?:ed|es)|confirm(?:ed|s)|"
    r"recall(?:ed|s)|conclud(?:ed|es)|counter(?:ed|s)|maintain(?:ed|s)|reiterat(?:ed|es)|"
    r"quipped|joked|caution(?:ed|s)|describ(?:ed|es|ing)|complain(?:ed|s)|pledg(?:ed|es)|"
    r"promis(?:ed|es)|vow(?:ed|s)|boast(?:ed|s)|reveal(?:ed|s)|reckon(?:ed|s)|"
    r"believ(?:ed|es)|thinks?|alleg(?:ed|es|ing)|denied|denies|assur(?:ed|es)|"
    r"exclaim(?:ed|s)|shout(?:ed|s)|whisper(?:ed|s)|tweet(?:ed|s)|quoted|accus(?:ed|es)|"
    r"demanded|hint(?:ed|s)|proclaim(?:ed|s)|testifi(?:ed|es)|mus(?:ed|es)|"
    r"pointed\s+out|points\s+out|called(?!\s+(?:for|on|off|in|up|back|upon|at|by)\b)|"
    r"brand(?:ed|s)|dubb(?:ed|s)|hail(?:ed|s)|dismiss(?:ed|es)|welcom(?:ed|es)|"
    r"criticis(?:ed|es)|criticiz(?:ed|es)"
    r")(?![\w-])"
)
