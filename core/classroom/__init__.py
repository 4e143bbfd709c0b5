"""Classes: pupils who join with a code, the teacher's review, strict safety in class and the
classroom pages of a book."""
