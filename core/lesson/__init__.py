"""A live lesson on how LLaVA lets a language model see a photo (the "How it works" page).

LLaVA joins two models that were trained apart: a vision encoder that turns a picture into a
vector x, and a language model that reads vectors y. The join is one matrix W, trained so that
W·x lands near the y of the picture's caption. W is linear (a matrix, not a neural network), it
is trained by backpropagation with SGD or Adam on a cosine or mean-squared loss, and unlike PCA it
is supervised: it learns from pairs.

The lesson does the same, small enough to run on a page: `dataset` draws picture/caption pairs on
the spot, `features` turns pictures into x (a colour layout and HOG) and captions into y (a
hashed TF-IDF bag of words), and `train` fits W with numpy (or torch's autograd when asked),
measures picture-to-caption retrieval on held-out pairs and compares it with PCA.
"""
