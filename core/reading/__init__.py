"""Reading: levels a teacher picks, readability formulas, familiar words, words to know,
questions, and fitting a story to a level."""
