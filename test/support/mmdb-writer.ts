// Test helper: writes a small MaxMind DB (MMDB format 2.0, as the public "MaxMind DB File Format Specification"
// describes it) so the geo lookup is tested against a real database file read by the real `maxmind` package, with
// no binary blob in the repository. An IPv6 tree (IPv4 networks under ::/96), 24-bit records, maps, strings, uints.

/** A value the writer can encode: text, whole numbers, lists and maps of them. */
export type MmdbValue = string | number | MmdbValue[] | { [key: string]: MmdbValue };

/** One network of the database and the record it leads to. */
export interface MmdbNetwork {
  /** CIDR block, IPv4 (`192.0.2.0/24`) or IPv6 (`2001:db8::/32`); blocks must not overlap. */
  network: string;
  record: MmdbValue;
}

const METADATA_MARKER = Buffer.concat([Buffer.from([0xab, 0xcd, 0xef]), Buffer.from('MaxMind.com')]);
const RECORD_BYTES = 3;

interface TreeNode {
  children: [TreeNode | number | undefined, TreeNode | number | undefined];
  number?: number;
}

/**
 * The bytes of a database holding `networks` (each record a map such as GeoIP2 Country's
 * `{ country: { iso_code: 'DE' } }`), of type `databaseType`.
 * @example writeFileSync(file, mmdbOf([{ network: '192.0.2.0/24', record: { country: { iso_code: 'DE' } } }]))
 */
export function mmdbOf(networks: readonly MmdbNetwork[], databaseType = 'Test-Country'): Buffer {
  const records = networks.map(({ record }) => encode(record));
  const offsets: number[] = [];
  let dataLength = 0;
  for (const record of records) {
    offsets.push(dataLength);
    dataLength += record.length;
  }
  const root: TreeNode = { children: [undefined, undefined] };
  networks.forEach(({ network }, index) => insert(root, bitsOf(network), index));
  const nodes = numbered(root);
  const nodeCount = nodes.length;
  const tree = Buffer.alloc(nodeCount * 2 * RECORD_BYTES);
  nodes.forEach((node, index) =>
    node.children.forEach((child, side) => {
      // A record is a node number, node_count for "no data", or node_count + 16 + an offset into the data section.
      const value =
        child === undefined
          ? nodeCount
          : typeof child === 'number'
            ? nodeCount + 16 + offsets[child]
            : child.number;
      tree.writeUIntBE(value ?? nodeCount, (index * 2 + side) * RECORD_BYTES, RECORD_BYTES);
    }),
  );
  const metadata = encodeMap([
    ['node_count', uint(6, nodeCount)],
    ['record_size', uint(5, RECORD_BYTES * 8)],
    ['ip_version', uint(5, 6)],
    ['database_type', encode(databaseType)],
    ['languages', encode(['en'])],
    ['binary_format_major_version', uint(5, 2)],
    ['binary_format_minor_version', uint(5, 0)],
    ['build_epoch', uint(9, 1_700_000_000)],
    ['description', encode({ en: 'cdn-include test database' })],
  ]);
  return Buffer.concat([tree, Buffer.alloc(16), ...records, METADATA_MARKER, metadata]);
}

/** The 128 bits of `network`'s address (IPv4 under ::/96), as many as its prefix covers. */
function bitsOf(network: string): number[] {
  const [address, prefixText] = network.split('/');
  const ipv4 = address.includes('.');
  const bytes = ipv4 ? [...Array(12).fill(0), ...address.split('.').map(Number)] : ipv6Bytes(address);
  const prefix = Number(prefixText) + (ipv4 ? 96 : 0);
  return Array.from({ length: prefix }, (_, bit) => (bytes[bit >> 3] >> (7 - (bit & 7))) & 1);
}

function ipv6Bytes(address: string): number[] {
  const [head, tail = ''] = address.split('::');
  const left = head === '' ? [] : head.split(':');
  const right = address.includes('::') && tail !== '' ? tail.split(':') : [];
  const groups = address.includes('::')
    ? [...left, ...Array(8 - left.length - right.length).fill('0'), ...right]
    : left;
  return groups.flatMap((group) => {
    const value = Number.parseInt(group, 16);
    return [value >> 8, value & 255];
  });
}

function insert(root: TreeNode, bits: number[], record: number): void {
  let node = root;
  bits.forEach((bit, depth) => {
    const side = bit as 0 | 1;
    if (depth === bits.length - 1) {
      node.children[side] = record;
      return;
    }
    let next = node.children[side];
    if (next === undefined) node.children[side] = next = { children: [undefined, undefined] };
    if (typeof next === 'number') throw new Error('overlapping networks');
    node = next;
  });
}

/** Every node, breadth first, each given its number (the root is node 0). */
function numbered(root: TreeNode): TreeNode[] {
  const nodes: TreeNode[] = [];
  const queue = [root];
  while (queue.length > 0) {
    const node = queue.shift() as TreeNode;
    node.number = nodes.length;
    nodes.push(node);
    for (const child of node.children) if (typeof child === 'object') queue.push(child);
  }
  return nodes;
}

function encode(value: MmdbValue): Buffer {
  if (typeof value === 'string') {
    const bytes = Buffer.from(value, 'utf8');
    return Buffer.concat([control(2, bytes.length), bytes]);
  }
  if (typeof value === 'number') return uint(6, value);
  if (Array.isArray(value)) return Buffer.concat([control(11, value.length), ...value.map(encode)]);
  return encodeMap(Object.entries(value).map(([key, inner]) => [key, encode(inner)]));
}

function encodeMap(entries: Array<[string, Buffer]>): Buffer {
  return Buffer.concat([
    control(7, entries.length),
    ...entries.flatMap(([key, value]) => [encode(key), value]),
  ]);
}

/** An unsigned integer of type 5 (uint16), 6 (uint32) or 9 (uint64), in as few bytes as it needs. */
function uint(type: 5 | 6 | 9, value: number): Buffer {
  const bytes: number[] = [];
  for (let rest = value; rest > 0; rest = Math.floor(rest / 256)) bytes.unshift(rest % 256);
  return Buffer.concat([control(type, bytes.length), Buffer.from(bytes)]);
}

/** A field's control byte(s): type in the top 3 bits (0 and a second byte for types above 7), then the size. */
function control(type: number, size: number): Buffer {
  const head = type <= 7 ? [type << 5] : [0, type - 7];
  if (size < 29) return Buffer.from([head[0] | size, ...head.slice(1)]);
  if (size < 285) return Buffer.from([head[0] | 29, ...head.slice(1), size - 29]);
  const rest = size - 285;
  return Buffer.from([head[0] | 30, ...head.slice(1), rest >> 8, rest & 255]);
}
