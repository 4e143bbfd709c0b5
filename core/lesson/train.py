"""Training the projection W, measuring it, and the PCA it is compared with.

`Lesson.build(pairs, seed)` draws the pairs and turns them into x and y. `Lesson.train(config)`
is a generator: it yields one `Epoch` (the loss on the training pairs and on the held-out ones)
after every pass over the data, so a page can draw the loss curve while W learns, and returns the
`Trained` W with its retrieval scores. The gradients are written out by hand in numpy (the
backpropagation through P = X·Wᵀ and the loss, one line each), or left to torch's autograd with
`backend="torch"` when torch is installed; both start from the same W and see the same batches.

Retrieval: for each held-out picture, every held-out caption is ranked by the cosine between W·x
and its y; top-1 counts the pictures whose own caption comes first, top-5 those where it is among
the first five. Chance is 1/n and 5/n. PCA squeezes each side to k numbers on its own, without
ever seeing a pair, so nothing lines its picture numbers up with its caption numbers: its scores
stay near chance however many pairs there are.
"""

from __future__ import annotations

from collections.abc import Generator, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Literal

import numpy as np
from PIL import Image

from core.lesson.dataset import Dataset, every_scene, make_dataset
from core.lesson.features import ClassicalEncoder, ImageEncoder, TextEncoder

Loss = Literal["cosine", "mse"]
Optimiser = Literal["sgd", "adam"]
LOSSES: tuple[str, ...] = ("cosine", "mse")
OPTIMISERS: tuple[str, ...] = ("sgd", "adam")
DEFAULT_LR = {"sgd": 0.5, "adam": 0.003}


@dataclass(frozen=True)
class Config:
    loss: Loss = "cosine"
    optimiser: Optimiser = "adam"
    lr: float | None = None  # None: DEFAULT_LR of the optimiser
    epochs: int = 50
    batch: int = 32
    seed: int = 0
    backend: Literal["numpy", "torch"] = "numpy"

    def __post_init__(self) -> None:
        if self.loss not in LOSSES:
            raise ValueError(f"loss must be one of {', '.join(LOSSES)}")
        if self.optimiser not in OPTIMISERS:
            raise ValueError(f"optimiser must be one of {', '.join(OPTIMISERS)}")
        if not 1 <= self.epochs <= 1000:
            raise ValueError("epochs must be between 1 and 1000")
        if self.lr is not None and not 0 < self.lr <= 10:
            raise ValueError("the learning rate must be above 0 and at most 10")

    @property
    def rate(self) -> float:
        return self.lr if self.lr is not None else DEFAULT_LR[self.optimiser]


RIDGE_ALPHAS = (0.1, 1.0, 10.0, 100.0)  # ridge's strengths tried by cross-validation on the training pairs


@dataclass(frozen=True)
class Epoch:
    epoch: int
    loss: float  # on the training pairs
    test_loss: float  # on the held-out pairs (never learnt from)


@dataclass(frozen=True)
class Retrieval:
    top1: float
    top5: float
    pairs: int

    @property
    def chance1(self) -> float:
        return 1 / self.pairs

    @property
    def chance5(self) -> float:
        return min(1.0, 5 / self.pairs)


@dataclass
class Trained:
    config: Config
    W: np.ndarray
    epochs: list[Epoch] = field(default_factory=list)
    retrieval: Retrieval | None = None


@dataclass
class Lesson:
    data: Dataset
    images: ImageEncoder
    texts: TextEncoder
    x_train: np.ndarray
    y_train: np.ndarray
    x_test: np.ndarray
    y_test: np.ndarray

    @classmethod
    def build(cls, pairs: int = 300, seed: int = 0, images: ImageEncoder | None = None) -> Lesson:
        data = make_dataset(pairs, seed=seed)
        encoder = images or ClassicalEncoder()
        with few_threads():
            return cls._encoded(data, encoder)

    @classmethod
    def _encoded(cls, data: Dataset, encoder: ImageEncoder) -> Lesson:
        encoder.fit([p.image for p in data.train])
        texts = TextEncoder().fit([p.caption for p in data.train])
        return cls(
            data=data,
            images=encoder,
            texts=texts,
            x_train=encoder.encode([p.image for p in data.train]),
            y_train=texts.encode([p.caption for p in data.train]),
            x_test=encoder.encode([p.image for p in data.test]),
            y_test=texts.encode([p.caption for p in data.test]),
        )

    # --- W ---------------------------------------------------------------------------------

    def train(self, config: Config) -> Generator[Epoch, None, Trained]:
        """Fit W (caption slots x picture numbers), one `Epoch` yielded per pass over the pairs."""
        rng = np.random.default_rng(config.seed)
        start = rng.normal(0, 0.01, (self.y_train.shape[1], self.x_train.shape[1]))
        orders = [rng.permutation(len(self.x_train)) for _ in range(config.epochs)]
        step = _torch_steps if config.backend == "torch" else _numpy_steps
        trained = Trained(config, start)
        for number, w in enumerate(step(start, self.x_train, self.y_train, orders, config), start=1):
            with few_threads():
                losses = (
                    loss_of(config.loss, w, self.x_train, self.y_train),
                    loss_of(config.loss, w, self.x_test, self.y_test),
                )
            epoch = Epoch(number, *losses)
            trained.epochs.append(epoch)
            trained.W = w
            yield epoch
        with few_threads():
            trained.retrieval = self.retrieval(trained.W)
        return trained

    def run(self, config: Config) -> Trained:
        """Train to the end without watching."""
        steps = self.train(config)
        while True:
            try:
                next(steps)
            except StopIteration as done:
                return done.value

    def retrieval(self, w: np.ndarray) -> Retrieval:
        return ranked(self.x_test @ w.T, self.y_test)

    def guesses(self, w: np.ndarray) -> list[str]:
        """For each held-out picture, the held-out caption W puts first."""
        with few_threads():
            scores = _unit(self.x_test @ w.T) @ _unit(self.y_test).T
        return [self.data.test[i].caption for i in np.argmax(scores, axis=1)]

    def pca(self, k: int = 16) -> Retrieval:
        """PCA on each side alone (fitted on the training pairs), compared as if it lined up: it
        never sees which caption goes with which picture, so it sits near chance by construction;
        the lesson shows it to say why pairs matter. The fair baselines are `ridge` and
        `pca_least_squares`."""
        with few_threads():
            px, py = _pca(self.x_train, k), _pca(self.y_train, k)
            return ranked(px(self.x_test), py(self.y_test))

    def ridge_w(self, alpha: float | None = None) -> np.ndarray:
        """W in closed form: ridge regression of the captions on the pictures over the same
        training pairs (W = Yᵀ X (Xᵀ X + αI)⁻¹). The fair baseline for the trained W: the same
        pairs, the same linear map, no gradient descent. α None: chosen by `ridge_alpha`."""
        alpha = self.ridge_alpha() if alpha is None else alpha
        with few_threads():
            return _ridge(self.x_train, self.y_train, alpha)

    def ridge_alpha(self, alphas: tuple[float, ...] = RIDGE_ALPHAS, folds: int = 4) -> float:
        """The α whose ridge W retrieves best across `folds` folds of the training pairs (never
        the held-out pairs, which would flatter the baseline)."""
        x, y = self.x_train, self.y_train
        parts = np.array_split(np.arange(len(x)), folds)
        with few_threads():

            def score(alpha: float) -> float:
                found = []
                for part in parts:
                    rest = np.setdiff1d(np.arange(len(x)), part)
                    found.append(ranked(x[part] @ _ridge(x[rest], y[rest], alpha).T, y[part]).top1)
                return float(np.mean(found))

            scores = [score(a) for a in alphas]
        return alphas[int(np.argmax(scores))]

    def ridge(self, alpha: float | None = None) -> Retrieval:
        """Retrieval with the closed-form ridge W (`ridge_w`)."""
        return self.retrieval(self.ridge_w(alpha))

    def pca_least_squares(self, k: int = 16) -> Retrieval:
        """The pictures squeezed to k principal components, then least squares from them to the
        captions over the training pairs: PCA given the pairs to line the two sides up."""
        with few_threads():
            px = _pca(self.x_train, k)
            fit, *_ = np.linalg.lstsq(px(self.x_train), self.y_train, rcond=None)
            return ranked(px(self.x_test) @ fit, self.y_test)

    def nearest_captions(self, image: Image.Image, w: np.ndarray, k: int = 5) -> list[tuple[str, float]]:
        """The captions, of every scene the lesson can draw, nearest to W·x of this picture."""
        captions = [scene.caption for scene in every_scene()]
        with few_threads():
            projected = self.images.encode([image]) @ w.T
            scores = _unit(self.texts.encode(captions)) @ _unit(projected)[0]
        best = np.argsort(-scores, kind="stable")[:k]
        return [(captions[i], float(scores[i])) for i in best]


def loss_of(loss: str, w: np.ndarray, x: np.ndarray, y: np.ndarray) -> float:
    p = x @ w.T
    if loss == "mse":
        return float(np.mean((p - y) ** 2))
    return float(np.mean(1 - np.sum(_unit(p) * _unit(y), axis=1)))


def gradient(loss: str, w: np.ndarray, x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """d loss / d W by backpropagation: first d loss / d P for P = X·Wᵀ, then d P / d W = X."""
    p = x @ w.T
    if loss == "mse":
        d_p = 2 * (p - y) / p.size
    else:
        norm_p = np.linalg.norm(p, axis=1, keepdims=True) + 1e-12
        u_y = _unit(y)
        cos = np.sum(p * u_y, axis=1, keepdims=True) / norm_p
        d_p = -(u_y / norm_p - cos * p / norm_p**2) / len(p)
    return d_p.T @ x


def ranked(queries: np.ndarray, keys: np.ndarray) -> Retrieval:
    """Top-1 and top-5: how often query i's nearest keys (by cosine) include key i."""
    scores = _unit(queries) @ _unit(keys).T
    own = np.diag(scores)[:, None]
    rank = np.sum(scores > own, axis=1)  # how many captions beat the right one
    return Retrieval(top1=float(np.mean(rank < 1)), top5=float(np.mean(rank < 5)), pairs=len(keys))


def _unit(a: np.ndarray) -> np.ndarray:
    return a / (np.linalg.norm(a, axis=1, keepdims=True) + 1e-12)


def _ridge(x: np.ndarray, y: np.ndarray, alpha: float) -> np.ndarray:
    """Ridge regression's W for P = X·Wᵀ, solved on the smaller side of X."""
    if x.shape[1] <= x.shape[0]:
        return np.linalg.solve(x.T @ x + alpha * np.eye(x.shape[1]), x.T @ y).T
    return (x.T @ np.linalg.solve(x @ x.T + alpha * np.eye(x.shape[0]), y)).T


def _pca(train: np.ndarray, k: int):
    mean = train.mean(axis=0)
    _, _, vt = np.linalg.svd(train - mean, full_matrices=False)
    basis = vt[: min(k, len(vt))].T
    return lambda a: (a - mean) @ basis


def _numpy_steps(w, x, y, orders, config: Config):
    w = w.copy()
    m, v, t = np.zeros_like(w), np.zeros_like(w), 0
    for order in orders:
        with few_threads():
            for start in range(0, len(order), config.batch):
                rows = order[start : start + config.batch]
                g = gradient(config.loss, w, x[rows], y[rows])
                if config.optimiser == "sgd":
                    w -= config.rate * g
                else:  # Adam: a running mean of the gradient and of its square, corrected for the start
                    t += 1
                    m = 0.9 * m + 0.1 * g
                    v = 0.999 * v + 0.001 * g * g
                    w -= config.rate * (m / (1 - 0.9**t)) / (np.sqrt(v / (1 - 0.999**t)) + 1e-8)
        yield w.copy()


def _torch_steps(w, x, y, orders, config: Config):
    import torch

    weight = torch.tensor(w, dtype=torch.float64, requires_grad=True)
    tx, ty = torch.tensor(x), torch.tensor(y)
    kind = torch.optim.SGD if config.optimiser == "sgd" else torch.optim.Adam
    optimiser = kind([weight], lr=config.rate)
    for order in orders:
        threads = torch.get_num_threads()
        torch.set_num_threads(1)  # tiny matrices, as in `few_threads`; given back before each yield
        try:
            for start in range(0, len(order), config.batch):
                rows = torch.as_tensor(order[start : start + config.batch])
                p = tx[rows] @ weight.T
                if config.loss == "mse":
                    loss = torch.mean((p - ty[rows]) ** 2)
                else:
                    loss = torch.mean(1 - torch.nn.functional.cosine_similarity(p, ty[rows], dim=1, eps=1e-12))
                optimiser.zero_grad()
                loss.backward()  # the same gradient as `gradient`, found by autograd
                optimiser.step()
        finally:
            torch.set_num_threads(threads)
        yield weight.detach().numpy().copy()


@contextmanager
def few_threads() -> Iterator[None]:
    """One BLAS thread while the lesson computes: its matrices are tiny, and OpenBLAS's threads
    spinning on a busy machine made an epoch 10 to 45 times slower (bench/lesson.py). Without
    threadpoolctl, numpy keeps its own setting."""
    try:
        from threadpoolctl import threadpool_limits
    except ImportError:
        yield
        return
    with threadpool_limits(limits=1, user_api="blas"):
        yield
