"""Characters: sheets woven into picture prompts within CLIP's 77 tokens, and a library per space."""
