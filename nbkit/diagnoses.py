"""The one registry of diagnoses: every tag any nbkit check can give, with its meaning.

A diagnosis is a short kebab-case tag naming a mistake (``own-value``, ``transposed``,
``missing-batch-sum``). Learners read the sentence a check writes; instructors' class
reports (``nbkit report``) count the tags and show the meaning registered here. The set is
closed: a check may only emit a registered tag, and one mistake has one tag everywhere
(checks, :mod:`nbkit.shapes`, :mod:`nbkit.gradcheck`). Add a tag here, with a sentence an
instructor can read on its own, before a check uses it.

Two families are open-ended because they name an exception: ``raised-<ExceptionName>``
(the learner's code raised it inside a check) and ``error-<ExceptionName>`` (a test cell
failed outside a check, seen by the grader).

``CheckFailed`` notes any unregistered tag it is given in :data:`UNREGISTERED_SEEN`
(instead of failing, which would punish a learner for a bug of ours); the test suite
fails when that set is not empty.
"""
from __future__ import annotations

from typing import Dict, Set

#: Tags the shape-convention checker (:mod:`nbkit.shapes`) can return for one gradient.
SHAPE_TAGS = (
    "ok", "not-an-array", "input-modified", "aliased-input", "rebound", "wrong-shape", "transposed",
    "missing-batch-sum", "wrong-axis", "row-vs-column", "scaled-by-2", "scaled-by-half",
    "scaled-by-batch", "sign-flipped", "wrong-values", "nan",
)

DIAGNOSES: Dict[str, str] = {
    # -- any exercise: the answer could not be graded -----------------------------------
    "not-implemented": "The exercise still raises NotImplementedError: it is not written yet.",
    "returned-none": "The function computed something but returned None (a missing `return`).",
    "wrong-count": "The function returned a different number of results than asked for.",
    "not-a-scalar": "A single number was asked for; an array, list or None came back.",
    "not-a-class": "A check was handed an instance or function where the class itself was asked for.",
    "wrong-forward": "The forward pass computes the wrong value, so its backward cannot be judged.",
    "stale-cache": "backward used values cached by an earlier forward call, not the latest one.",
    "missing-method": "The learner's class lacks a method the exercise asks for (often a misspelling, e.g. foward).",
    "all-zero": "Every entry of the gradient is 0: it was never written into, or was built as an integer array.",
    # -- shape convention (nbkit.shapes) ------------------------------------------------
    "ok": "The gradient has the parameter's shape and the expected values.",
    "not-an-array": "The function returned nothing, or something that is not a numeric array.",
    "input-modified": "The function changed one of its inputs in place; backward must leave "
                      "the upstream gradient and the cache untouched.",
    "aliased-input": "The function returned a writeable view of an array it was given, so a "
                     "later in-place update of one silently changes the other.",
    "rebound": "A name or list slot was rebound to a new array instead of written into, so whoever "
               "holds the old array (a layer, an optimizer) never sees the update.",
    "wrong-shape": "The result does not have the expected shape (a gradient must be shaped "
                   "like its parameter so that theta -= lr * grad works).",
    "transposed": "The result holds the transpose of the right answer: a product was "
                  "taken the wrong way round, or one factor needs a transpose.",
    "missing-batch-sum": "The gradient has one entry per example: a parameter shared by the "
                         "whole batch needs the per-example gradients summed over the batch axis.",
    "wrong-axis": "The gradient was summed over the wrong axis: over the features instead "
                  "of over the batch.",
    "row-vs-column": "The values are right but a row vector was returned where the parameter "
                     "is a column (or the other way round, or a flat vector).",
    "scaled-by-2": "Every entry is twice the right value: a factor 2 counted twice, or "
                   "forgotten in a (1/2)||.||^2.",
    "scaled-by-half": "Every entry is half the right value: a factor 2 was dropped, e.g. "
                      "d(x^2)/dx = 2x.",
    "scaled-by-batch": "Every entry is off by the batch size: an average over the batch "
                       "taken in one pass (forward or backward) but not the other.",
    "sign-flipped": "The result has the right size but the opposite sign: a minus sign "
                    "was lost (or added) somewhere in the chain.",
    "wrong-values": "The shape is right but the values are not, and no single common "
                    "mistake explains the difference.",
    "nan": "The result contains NaN or infinity: an overflow, a division by zero or the "
           "log of zero upstream.",
    # -- notebook 01: gates, the neuron, passes over a graph -----------------------------
    "own-value": "Each input of a mul gate got its own value times upstream instead of the other input's.",
    "forgot-upstream": "The local gradient was returned without multiplying by the upstream gradient.",
    "split-gradient": "An add gate split upstream between its inputs instead of giving each all of it.",
    "mul-rule": "An add gate used the mul gate's rule (swapping the inputs).",
    "add-rule": "A mul gate passed upstream through unchanged, as an add gate does.",
    "routed-to-both": "A max gate sent the upstream gradient to both inputs instead of only the winner.",
    "routed-to-smaller": "A max gate sent the gradient to the smaller input.",
    "value-routed": "A max gate routed upstream times the max value instead of upstream times 1.",
    "overwrote-branch": "At a branch, one gradient overwrote the other instead of the two being summed.",
    "averaged-branch": "At a branch, the gradients were averaged instead of summed.",
    "multiplied-branch": "At a branch, the gradients were multiplied instead of summed.",
    "sigmoid-derivative": "The sigmoid's local gradient was taken as sigma(z) instead of sigma(z)(1 - sigma(z)).",
    "bias-gradient": "The bias got no gradient although it adds straight into z.",
    "forgot-chain-rule": "A derivative of a composition was taken without the inner function's derivative.",
    "forgot-local-gradient": "Upstream was passed on without multiplying by the gate's local gradient.",
    "wrong-order": "Nodes were visited in the wrong order (backward must run in reverse topological order).",
    "wrong-return": "The pass returned something other than what was asked (e.g. not the dictionary of values or gradients).",
    "missing-grad": "A node of the graph, or a parameter of a model, got no gradient.",
    "inputs-not-set": "forward_pass never wrote the given inputs into the input nodes, so it evaluated the graph at old values.",
    "visited-per-path": "A recursive backward visited a node once per path and passed on its gradient before "
                        "all uses had added theirs, counting some paths twice.",
    # -- notebook 02: Jacobians ---------------------------------------------------------
    "broadcast-full": "f'(z) was broadcast over a full matrix instead of placed on a diagonal, diag(f'(z)).",
    "not-diagonal": "An elementwise map's Jacobian has entries off the diagonal.",
    "diagonal-as-vector": "The diagonal of a Jacobian was returned as a vector where the matrix was asked for.",
    "value-not-derivative": "The function's value f(z) was used where its derivative f'(z) belongs.",
    "derivative-of-z": "The derivative formula was applied to z instead of to the activation's output.",
    "mask-inverted": "The ReLU mask was inverted: gradient passed where z <= 0 and blocked where z > 0.",
    "softmax-diagonal": "The softmax Jacobian was taken as diagonal, forgetting the -p p^T term.",
    "missing-diagonal-term": "The softmax Jacobian lacks diag(p): only -p p^T is there.",
    "outer-not-broadcast": "p p^T was replaced by a broadcast of p, not an outer product.",
    "unnormalised": "exp(z) was used where the normalised softmax p belongs.",
    "label-not-one-hot": "The labels were used as numbers or indexed the wrong entries where the one-hot Y "
                         "(1 at each row's true class) belongs in P - Y.",
    "missing-label-term": "The softmax-cross-entropy gradient lacks its - Y term: the probabilities P alone.",
    "used-h-for-u": "The activation h was used where the weight vector u belongs.",
    "wrong-variable": "The derivative was taken with respect to the wrong variable.",
    "identity-wrong-size": "An identity of the wrong size was used (the Jacobian of b in Wx + b is m x m).",
    "ones-not-identity": "A matrix of ones was used where the identity belongs.",
    "not-a-row": "The Jacobian of a scalar was not returned as a 1 x n row.",
    "materialised-jacobian": "A full n x n Jacobian was built where an elementwise product does the same work.",
    # -- notebook 03: matrix gradients -----------------------------------------------------
    "accumulated": "The gradient was added (+=) into a buffer that still held the previous step's gradient.",
    "wrong-init": "The layer's parameters or gradient buffers were not set up as asked.",
    "missing-transpose": "A factor of a matrix product lacks its transpose.",
    "not-summed": "Upstream times the local change was not summed over the output entries.",
    # -- notebook 04: gradient checking ----------------------------------------------------
    "one-sided-difference": "A one-sided difference ((f(x+h) - f(x)) / h or (f(x) - f(x-h)) / h) was used where "
                            "the central difference, or the other one-sided difference, was asked.",
    "central-over-h": "The central difference was divided by h instead of 2h.",
    "forward-over-2h": "A forward difference was divided by 2h.",
    "central-not-forward": "A central difference was used where a forward difference was asked.",
    "step-scaled-by-x": "The step h was scaled by |x| (and breaks at x = 0).",
    "not-restored": "The perturbed entry was not restored after the nudge.",
    "nudged-a-row": "A whole row was nudged instead of one entry.",
    "first-entry-only": "Only the first entry of the gradient was computed.",
    "output-overwritten": "f's output array was reused, so f(x+h) was overwritten by f(x-h).",
    "ignored-upstream": "The upstream gradient was ignored in a numerical gradient with upstream.",
    "one-sided-denominator": "The relative error divided by one side only.",
    "divided-by-zero": "The relative error divided by zero when both gradients are zero.",
    "abs-of-sum": "The relative error divided by |a + b|, which vanishes when a = -b.",
    "signed-difference": "The relative error used a - b without the absolute value.",
    "mean-not-max": "The entrywise relative errors were averaged instead of taking their maximum.",
    "returned-array": "An array came back where one number (the maximum relative error) was asked.",
    "returned-value": "A value came back where a derivative was asked.",
    "still-buggy": "The repaired gradient checker still has a bug.",
    "missed-bug": "The check did not catch a planted bug in the layer.",
    "random-mask": "A random dropout mask changed between calls, so the numerical gradient is meaningless.",
    "backward-not-called": "The layer's backward was not used for the analytic gradient.",
    "seed-zero": "Forward mode was seeded with derivative 0 instead of 1.",
    "not-a-dual": "A dual-number operation returned something that is not a Dual.",
    "constant-derivative": "A dual-number operation gave the derivative of a constant (0) where the input varies.",
    "added-derivatives": "Derivatives of a product were added, as for a sum.",
    "multiplied-derivatives": "Derivatives of a product were multiplied (a'b'), a term that is epsilon^2 = 0.",
    "half-product-rule": "Only one term of the product rule (a'b + ab') is there.",
    # -- notebook 05 -----------------------------------------------------------------------
    "output-as-input": "An activation's derivative was computed by applying the activation again to its "
                       "output (sigma(s)(1 - sigma(s)) with s = sigma(z)), as if the output were z.",
    "missing-square": "A square was dropped: 1 - t instead of 1 - t^2, or |W| instead of W^2.",
    "hard-tanh-unclipped": "Hard tanh's derivative was taken as 1 everywhere, ignoring the flat parts outside [-1, 1].",
    "hard-tanh-one-side": "Hard tanh was treated as flat on one side only: its derivative is 0 below -1 as well as above 1.",
    "softsign-not-squared": "Softsign's derivative was taken as 1/(1 + |z|) instead of 1/(1 + |z|)^2.",
    "forgot-abs": "An absolute value was dropped (softsign's derivative as 1/(1 + z)^2), wrong for z < 0.",
    "relu-slope-one": "ReLU's derivative was taken as 1 for z < 0 too (it is 0 there).",
    "leaky-slope-zero": "Leaky ReLU's derivative was taken as 0 for z < 0, as for ReLU, instead of alpha.",
    "ignored-alpha": "Leaky ReLU's slope was hard-coded instead of using the alpha argument.",
    "shared-cache": "A layer's cache held a reference to an array the layer overwrites later (a shared buffer), "
                    "so backward on an earlier call's cache read the values of a later call.",
    "softmax-overflow": "Softmax was computed without subtracting each row's maximum: e^s overflows for large "
                        "scores and the loss or gradient became nan or inf.",
    "forgot-labels": "The softmax cross-entropy gradient lacks the -Y term (P/N or P instead of (P - Y)/N).",
    "bias-not-zero": "Xavier initialisation left the biases non-zero; they should start at 0.",
    "wrong-bound": "Xavier weights were drawn with the wrong bound (not sqrt(6/(fan_in + fan_out)), e.g. fan_in only).",
    "normal-not-uniform": "Xavier uniform weights fall outside [-a, a]: drawn from a normal distribution or too wide.",
    "not-centred": "Initial weights were drawn from [0, a] instead of [-a, a], so their mean is not 0.",
    "ignored-rng": "Random numbers were drawn from the global np.random instead of the rng argument, so "
                   "results are not reproducible.",
    "penalised-bias": "The L2 penalty included the biases (in the loss or the gradient); only weights are penalised.",
    "replaced-gradient": "The regularisation gradient replaced the data gradient instead of being added to it.",
    "dropout-scaled-at-test": "Inverted dropout scaled its output at test time too; at test time it must return x.",
    "dropout-scaled-by-p": "Inverted dropout multiplied the kept units by p instead of dividing by p.",
    "dropout-not-scaled": "Dropout did not divide the kept units (or their gradients) by the keep probability p.",
    "keep-drop-swapped": "Dropout kept a fraction 1 - p of the units: p was used as the drop probability.",
    # -- notebook 06: the NER window classifier ------------------------------------------
    "padding-labelled": "Windows were made for the padding positions too, so padding would need labels; a sentence of T words has T windows.",
    "window-off-by-one": "Windows are shifted by one word at the sentence edges (too little padding, or the slice starts one place off).",
    "wrapped-edges": "Windows wrap around the sentence (np.roll) instead of being padded at its edges.",
    "not-integer": "Word indices were returned as floats; indices into L must be integers.",
    "forgot-concatenation": "x was taken as one word vector (length d) instead of the concatenation of the window's vectors (length window * d).",
    "elementwise-not-dot": "s = u^T h was taken as the elementwise product u * h (a vector) instead of a dot product (a scalar).",
    "missing-activation": "The hidden layer has no nonlinearity: h = Wx + b instead of f(Wx + b).",
    "forgot-bias": "A layer's bias was left out of the forward pass.",
    "returned-probabilities": "Softmax probabilities were returned where raw scores were asked for.",
    "wrong-concatenation": "The window's word vectors were interleaved instead of concatenated one after the other.",
    "forgot-minus-one": "The softmax gradient lacks the -1 at the true class: p instead of p - onehot(y).",
    "margin-met-gradient": "The max-margin gradient was applied to pairs that already meet the margin, where the hinge is flat and the gradient 0.",
    "embedding-assigned": "The embedding gradient was assigned (dL[ids] = rows) instead of accumulated, losing the updates of words repeated in a batch (padding included).",
    "skipped-param": "An update step left a parameter unchanged.",
    "ignored-lr": "An update step moved parameters by the whole gradient, ignoring the learning rate.",
    "dropped-last-batch": "The last, smaller minibatch of an epoch was dropped, so some examples are never trained on.",
    "not-shuffled": "The examples were visited in the same fixed order every epoch instead of shuffled.",
    "one-step-per-epoch": "The update step was not taken once after every minibatch.",
    "unweighted-mean": "The epoch's loss was the plain mean of batch means, overweighting the smaller last batch.",
    "perturbed-a-copy": "A gradient check nudged arrays that the loss function does not read (a copy), so every numerical gradient came out 0.",
    # -- notebook 07: optimizers and learning-rate schedules --------------------------------
    "not-a-function": "A check was handed something other than the learner's function.",
    "config-not-returned": "An update rule did not return its config dict as the second result of (next_w, config).",
    "config-not-updated": "An update rule did not store its state (velocity, cache, m, v, t) in config under CS231n's key.",
    "missing-default": "An update rule called with config=None did not fill in CS231n's default hyperparameters.",
    "moved-at-rest": "An update rule moved the weights although the gradient was zero and no state had built up.",
    "overwrote-config": "An update rule overwrote a hyperparameter the caller set (config[key] = default instead of config.setdefault).",
    "velocity-not-carried": "Momentum's velocity was not kept between calls: every step started from the velocity it was given.",
    "averaged-convention": "Momentum used the averaged convention (v = beta v + (1 - beta) g; w -= lr v) where CS231n's (v = mu v - lr g; w += v) was asked.",
    "nesterov-is-momentum": "Nesterov momentum was written as plain momentum (w + v), without the look-ahead correction.",
    "wrong-look-ahead": "Nesterov's step used the wrong weights on v_prev and v (e.g. 1 - mu for 1 + mu).",
    "cache-reset": "AdaGrad's or RMSProp's cache was restarted on every call instead of accumulated in config.",
    "eps-inside-sqrt": "epsilon was put inside the square root where the rule adds it outside: sqrt(cache) + eps.",
    "forgot-sqrt": "An adaptive rule divided by the cache itself instead of its square root.",
    "decay-on-gradient": "RMSProp's decay was applied to the squared gradient only, not to the cache, so the cache only grows.",
    "decay-swapped": "RMSProp's decay_rate and 1 - decay_rate were swapped between the cache and the new squared gradient.",
    "no-bias-correction": "Adam without bias correction: m and v were not divided by 1 - beta**t, so the first steps are wrongly sized.",
    "t-after-use": "Adam's step count t was advanced after the bias correction used it instead of before.",
    "state-not-carried": "Adam's m, v and t were not kept between calls: every step started from the state it was given.",
    "first-step-size": "Adam's first step from zero moments did not move every coordinate by about the learning rate.",
    "schedule-per-epoch": "A schedule held the rate flat over runs of steps (per epoch) where a new rate at every step was asked.",
    "drop-off-by-one": "A step decay dropped one step early (t + 1 used where t counts the updates made).",
    "schedule-not-stepped": "A step decay decayed smoothly (t / every) instead of in steps (t // every).",
    "drop-once": "A step decay dropped the rate once and never again.",
    "drop-linear": "A step decay subtracted a fixed amount at each drop instead of multiplying by the drop factor.",
    "forgot-initial-rate": "A schedule started from 1 instead of the initial learning rate alpha0.",
    "wrong-base": "An exponential decay used (1 - k)**t instead of exp(-k t).",
    "shifted-inverse": "A 1/t decay was written alpha0 tau / (t + tau) where alpha0 tau / max(t, tau) was asked.",
    "inverse-no-plateau": "A 1/t decay lacked the max: the rate started far above alpha0 before t reached tau.",
    # -- nbkit.gradcheck reports (one row per parameter) ---------------------------------
    "some-entries": "Some entries of the gradient disagree with the numerical gradient.",
    "missing": "A parameter has no analytic gradient.",
    # -- the grader (nbkit.grading), outside any check -------------------------------------
    "timeout": "The notebook ran out of time (an endless loop, or far too slow code) before the test cell finished.",
    "kernel-died": "The notebook's kernel died (out of memory, or a crash) before the test cell finished.",
}

#: Open-ended families: ``raised-TypeError``, ``error-NameError``, ...
FAMILIES = ("raised-", "error-")

#: Unregistered tags seen by CheckFailed in this process (a bug of ours; tests fail on it).
UNREGISTERED_SEEN: Set[str] = set()


def is_registered(tag: str) -> bool:
    """True for a registered tag or a member of an open-ended family."""
    return tag in DIAGNOSES or any(tag.startswith(f) and len(tag) > len(f) for f in FAMILIES)


def meaning(tag: str) -> str:
    """The registered sentence for ``tag`` (a generic one for the exception families)."""
    if tag in DIAGNOSES:
        return DIAGNOSES[tag]
    for family in FAMILIES:
        if tag.startswith(family):
            name = tag[len(family):]
            return (f"The learner's code raised {name} inside a check." if family == "raised-"
                    else f"The test cell failed with {name} outside a check.")
    return "Unregistered diagnosis."


def note(tag: str) -> None:
    """Record ``tag`` if it is not registered (called by CheckFailed)."""
    if not is_registered(tag):
        UNREGISTERED_SEEN.add(tag)
