import { Writable } from 'node:stream';

/** A stream a command writes to, keeping the text; `isTTY` plays a terminal or a pipe. */
export type TextCollector = Writable & { text: string; isTTY: boolean };

export function textCollector(isTTY = false): TextCollector {
  const stream = new Writable({
    write: (chunk: Buffer, _encoding, done) => {
      stream.text += chunk.toString('utf8');
      done();
    },
  }) as TextCollector;
  stream.text = '';
  stream.isTTY = isTTY;
  return stream;
}
