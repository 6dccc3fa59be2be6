"""Classic wrong answers for notebook 01 (gates, the sigmoid neuron, passes over a graph)."""


def swap(*pairs):
    return ("swap", pairs)


MISTAKES = {
    "add_gate": [
        ("forgot-upstream", swap(("return upstream, upstream", "return 1.0, 1.0"))),
        ("split-gradient", swap(("return upstream, upstream", "return upstream / 2, upstream / 2"))),
        ("sign-flipped", swap(("return upstream, upstream", "return -upstream, -upstream"))),
        ("mul-rule", '''class AddGate:
    label = "+"

    def forward(self, x, y):
        self.x, self.y = x, y
        return x + y

    def backward(self, upstream):
        return upstream * self.y, upstream * self.x
'''),
    ],
    "mul_gate": [
        ("own-value", swap(("return upstream * self.y, upstream * self.x", "return upstream * self.x, upstream * self.y"))),
        ("forgot-upstream", swap(("return upstream * self.y, upstream * self.x", "return self.y, self.x"))),
        ("add-rule", swap(("return upstream * self.y, upstream * self.x", "return upstream, upstream"))),
        ("sign-flipped", swap(("return upstream * self.y, upstream * self.x", "return -upstream * self.y, -upstream * self.x"))),
        ("stale-cache", swap(("self.x, self.y = x, y", "if not hasattr(self, 'x'):\n            self.x, self.y = x, y"))),
    ],
    "max_gate": [
        ("routed-to-both", swap(("return (upstream, 0.0) if self.x_wins else (0.0, upstream)", "return upstream, upstream"))),
        ("routed-to-smaller", swap(("return (upstream, 0.0) if self.x_wins else (0.0, upstream)",
                                    "return (0.0, upstream) if self.x_wins else (upstream, 0.0)"))),
        ("forgot-upstream", swap(("return (upstream, 0.0) if self.x_wins else (0.0, upstream)",
                                  "return (1.0, 0.0) if self.x_wins else (0.0, 1.0)"))),
        ("value-routed", '''class MaxGate:
    label = "max"

    def forward(self, x, y):
        self.x_wins, self.out = x > y, max(x, y)
        return self.out

    def backward(self, upstream):
        return (upstream * self.out, 0.0) if self.x_wins else (0.0, upstream * self.out)
'''),
    ],
    "copy_gate": [
        ("overwrote-branch", swap(("return upstream_1 + upstream_2", "return upstream_2"))),
        ("averaged-branch", swap(("return upstream_1 + upstream_2", "return (upstream_1 + upstream_2) / 2"))),
        ("multiplied-branch", swap(("return upstream_1 + upstream_2", "return upstream_1 * upstream_2"))),
    ],
    "neuron": [
        ("sigmoid-derivative", swap(("dz = out * (1.0 - out)", "dz = out"))),
        ("own-value", swap(("dw = dz * np.array([x[0], x[1], 1.0])", "dw = dz * np.array([w[0], w[1], 1.0])"),
                           ("dx = dz * np.array([w[0], w[1]])", "dx = dz * np.array([x[0], x[1]])"))),
        ("bias-gradient", swap(("np.array([x[0], x[1], 1.0])", "np.array([x[0], x[1], 0.0])"))),
        ("sign-flipped", swap(("dz = out * (1.0 - out)", "dz = -out * (1.0 - out)"))),
        ("forgot-local-gradient", swap(("dz = out * (1.0 - out)", "dz = 1.0"))),
    ],
    "forward_pass": [
        ("wrong-order", swap(("for node in graph.order():", "for node in graph.nodes.values():"))),
        ("wrong-return", swap(("return node.value", "return None"))),
        ("raised-TypeError", swap(("node.value = node.gate.forward(", "value = node.gate.forward("))),
        ("inputs-not-set", swap(("graph.nodes[name].value = value", "pass"))),  # issue 9, hole 1
    ],
    "backward_pass": [
        ("overwrote-branch", swap(("grads[parent] += grad", "grads[parent] = grad"))),
        ("wrong-order", swap(("for node in reversed(graph.order()):", "for node in graph.order():"))),
        ("wrong-values", swap(("node.gate.backward(grads[node.name])", "node.gate.backward(1.0)"))),
        ("visited-per-path", '''def backward_pass(graph, output):
    grads = {name: 0.0 for name in graph.nodes}
    grads[output] = 1.0

    def visit(name):  # micrograd's first commit: once per path (issue 9, hole 2)
        node = graph.nodes[name]
        if node.is_input:
            return
        down = node.gate.backward(grads[name])
        down = down if isinstance(down, tuple) else (down,)
        for parent, grad in zip(node.inputs, down):
            grads[parent] += grad
            visit(parent)

    visit(output)
    return grads
'''),
    ],
    "staged": [
        ("overwrote-branch", swap(("dx += (1.0 - sigx) * sigx * dsigx", "dx = (1.0 - sigx) * sigx * dsigx"))),
        ("overwrote-branch", swap(("dy += (1.0 - sigy) * sigy * dsigy", "dy = (1.0 - sigy) * sigy * dsigy"))),
        ("sigmoid-derivative", swap(("(1.0 - sigx) * sigx * dsigx", "sigx * dsigx"), ("(1.0 - sigy) * sigy * dsigy", "sigy * dsigy"))),
        ("sign-flipped", swap(("dden = (-1.0 / den ** 2) * dinvden", "dden = (1.0 / den ** 2) * dinvden"))),
    ],
}

ALTERNATIVES = {
    "add_gate": '''class AddGate:
    label = "+"

    def forward(self, x, y):
        return float(x) + float(y)

    def backward(self, upstream):
        return [1.0 * upstream] * 2
''',
    "mul_gate": '''class MulGate:
    label = "*"

    def forward(self, x, y):
        self.inputs = (x, y)
        return np.float64(x) * y

    def backward(self, upstream):
        x, y = self.inputs
        return [y * upstream, x * upstream]
''',
    "max_gate": '''class MaxGate:
    label = "max"

    def forward(self, x, y):
        self.winner = int(np.argmax([x, y]))
        return max(x, y)

    def backward(self, upstream):
        grads = np.zeros(2)
        grads[self.winner] = upstream
        return tuple(grads)
''',
    "copy_gate": '''class CopyGate:
    label = "copy"

    def forward(self, x):
        return (x,) * 2

    def backward(self, upstream_1, upstream_2):
        return sum([upstream_1, upstream_2])
''',
    "neuron": '''def neuron_forward_backward(w, x):
    z = np.dot(w[:2], x) + w[2]
    e = np.exp(-z)
    out = 1.0 / (1.0 + e)
    dz = e / (1.0 + e) ** 2
    return out, dz * np.append(x, 1.0), dz * w[:2]
''',
    "forward_pass": '''def forward_pass(graph, inputs):
    for name, value in inputs.items():
        graph.nodes[name].value = value
    order = graph.order()
    for node in order:
        if node.inputs:
            node.value = node.gate.forward(*(graph.nodes[p].value for p in node.inputs))
    return order[-1].value
''',
    "backward_pass": '''from collections import defaultdict

def backward_pass(graph, output):
    grads = defaultdict(float)
    grads[output] = 1.0
    for node in graph.order()[::-1]:
        if node.is_input:
            continue
        down = node.gate.backward(grads[node.name])
        down = down if isinstance(down, (tuple, list)) else [down]
        for parent, g in zip(node.inputs, down):
            grads[parent] = grads[parent] + g
    return {name: grads[name] for name in graph.nodes}
''',
    "staged": '''def staged_forward_backward(x, y):
    # the quotient rule in one go, written as a loop-free closed form
    s = lambda t: 1.0 / (1.0 + np.exp(-t))
    num, den = x + s(y), s(x) + (x + y) ** 2
    dnum_dx, dnum_dy = 1.0, s(y) * (1 - s(y))
    dden_dx, dden_dy = s(x) * (1 - s(x)) + 2 * (x + y), 2 * (x + y)
    return num / den, (dnum_dx * den - num * dden_dx) / den ** 2, (dnum_dy * den - num * dden_dy) / den ** 2
''',
}
