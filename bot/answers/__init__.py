"""What the assistant says, in French, computed from knowledge/ and the engine (pure functions).

Actions only pass slots in and send the `Reply` objects out. "tu" for young people, "vous"
for professionals, structures and unknown roles (CONVENTIONS.md roles).
"""
