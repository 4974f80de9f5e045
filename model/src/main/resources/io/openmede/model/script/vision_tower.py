class VisionTower(Module):
  __parameters__ = []
  __buffers__ = []
  training : bool
  def cast(self: __torch__.openmede.VisionTower,
    ws: List[Tensor],
    dtype: int) -> List[Tensor]:
    out = annotate(List[Tensor], [])
    for i in range(len(ws)):
      out.append(torch.contiguous(torch.to(ws[i], dtype)))
    return out
  def forward(self: __torch__.openmede.VisionTower,
    pixels: Tensor,
    ws: List[Tensor],
    batch: int,
    frames: int,
    heads: int,
    temporal: bool,
    fused: bool) -> Tensor:
    conv = ws[0]
    n = torch.size(pixels, 0)
    p = torch.size(conv, 2)
    d = torch.size(conv, 0)
    x = torch.to(pixels, ops.prim.dtype(conv))
    x = torch.conv2d(x, conv, None, [p, p], [0, 0], [1, 1], 1)
    x = torch.permute(torch.flatten(x, 2, -1), [0, 2, 1])
    cls = torch.expand(torch.reshape(ws[1], [1, 1, d]), [n, 1, d])
    x = torch.add(torch.cat([cls, x], 1), ws[2])
    x = torch.layer_norm(x, [d], ws[3], ws[4], 1.0000000000000001e-05, True)
    layers = torch.floordiv(torch.sub(len(ws), 8), 12)
    for i in range(layers):
      x = self.block(x, ws, torch.add(5, torch.mul(12, i)), batch, frames, heads, temporal, fused)
    k = torch.add(5, torch.mul(12, layers))
    c = torch.layer_norm(torch.select(x, 1, 0), [d], ws[k], ws[torch.add(k, 1)], 1.0000000000000001e-05, True)
    return torch.to(torch.matmul(c, ws[torch.add(k, 2)]), 6)
  def block(self: __torch__.openmede.VisionTower,
    x: Tensor,
    ws: List[Tensor],
    o: int,
    batch: int,
    frames: int,
    heads: int,
    temporal: bool,
    fused: bool) -> Tensor:
    n = torch.size(x, 0)
    l = torch.size(x, 1)
    d = torch.size(x, 2)
    h = torch.layer_norm(x, [d], ws[o], ws[torch.add(o, 1)], 1.0000000000000001e-05, True)
    qkv = torch.linear(h, ws[torch.add(o, 2)], ws[torch.add(o, 3)])
    qkv = torch.reshape(qkv, [n, l, 3, heads, torch.floordiv(d, heads)])
    qkv = torch.permute(qkv, [2, 0, 3, 1, 4])
    q = torch.select(qkv, 0, 0)
    k = torch.select(qkv, 0, 1)
    v = torch.select(qkv, 0, 2)
    if temporal and torch.gt(frames, 1):
      k = self.neighbours(k, batch, frames)
      v = self.neighbours(v, batch, frames)
    if fused:
      a = torch.scaled_dot_product_attention(q, k, v)
    else:
      scale = torch.rsqrt(torch.tensor(float(torch.floordiv(d, heads))))
      scores = torch.matmul(torch.mul(q, scale), torch.transpose(k, -1, -2))
      a = torch.matmul(torch.softmax(scores, -1), v)
    a = torch.reshape(torch.permute(a, [0, 2, 1, 3]), [n, l, d])
    x = torch.add(x, torch.linear(a, ws[torch.add(o, 4)], ws[torch.add(o, 5)]))
    h = torch.layer_norm(x, [d], ws[torch.add(o, 6)], ws[torch.add(o, 7)], 1.0000000000000001e-05, True)
    m = torch.linear(h, ws[torch.add(o, 8)], ws[torch.add(o, 9)])
    m = torch.mul(m, torch.sigmoid(torch.mul(m, 1.702)))
    return torch.add(x, torch.linear(m, ws[torch.add(o, 10)], ws[torch.add(o, 11)]))
  def neighbours(self: __torch__.openmede.VisionTower,
    a: Tensor,
    batch: int,
    frames: int) -> Tensor:
    h = torch.size(a, 1)
    l = torch.size(a, 2)
    e = torch.size(a, 3)
    a5 = torch.reshape(a, [batch, frames, h, l, e])
    zero = torch.zeros_like(torch.slice(a5, 1, 0, 1))
    padded = torch.cat([zero, a5, zero], 1)
    prev = torch.slice(padded, 1, 0, frames)
    nxt = torch.slice(padded, 1, 2, torch.add(frames, 2))
    both = torch.cat([prev, a5, nxt], 3)
    return torch.reshape(both, [torch.mul(batch, frames), h, torch.mul(3, l), e])
