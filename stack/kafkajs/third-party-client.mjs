// A client openmede did not write: kafkajs and @kafkajs/confluent-schema-registry against the
// stack (TLS + SASL/SCRAM to the Kafka nodes, HTTPS to Apicurio's Confluent-compatible API).
//
//   1. decodes COUNT recognitions that the recognizer wrote (Confluent wire format, Avro);
//   2. writes a vocabulary entry of its own, encoded with the subject's latest schema;
//   3. tries to register a vocabulary schema incompatible with the subject's, which the registry
//      must refuse (409) because the subject is at BACKWARD_TRANSITIVE.
//
// Environment: BOOTSTRAP (host:port,...), KAFKA_USER, KAFKA_PASSWORD, CA_PEM (the stack's CA),
// REGISTRY_URL (.../apis/ccompat/v7), COUNT (default 5), LABEL (the entry to add). Run node with
// NODE_EXTRA_CA_CERTS=$CA_PEM so that the registry's certificate is trusted.
// Prints one JSON line per step and ends with `THIRD_PARTY decoded=N vocabulary=LABEL
// incompatible=STATUS`; exits 1 when a step fails.
import fs from 'node:fs';
import kafkajs from 'kafkajs';
import registryClient from '@kafkajs/confluent-schema-registry';
import lz4 from 'lz4js';

const { Kafka, CompressionTypes, CompressionCodecs, logLevel } = kafkajs;
const { SchemaRegistry, SchemaType, COMPATIBILITY } = registryClient;
// kafkajs 2's default partitioner is murmur2 like Java's; its notice about it is noise here
process.env.KAFKAJS_NO_PARTITIONER_WARNING = '1';

// Kafka's lz4 is the LZ4 frame format; kafkajs ships no codec for it.
CompressionCodecs[CompressionTypes.LZ4] = () => ({
  async compress(encoder) {
    return Buffer.from(lz4.compress(encoder.buffer));
  },
  async decompress(buffer) {
    return Buffer.from(lz4.decompress(buffer));
  },
});

const env = (name, fallback) => {
  const v = process.env[name] ?? fallback;
  if (v === undefined) {
    console.error(`third-party-client: ${name} is not set`);
    process.exit(2);
  }
  return v;
};

const count = Number(env('COUNT', '5'));
const label = env('LABEL', 'waving from a third-party client');
const kafka = new Kafka({
  clientId: 'openmede-third-party',
  brokers: env('BOOTSTRAP').split(','),
  ssl: { ca: [fs.readFileSync(env('CA_PEM'))] },
  sasl: { mechanism: 'scram-sha-512', username: env('KAFKA_USER'), password: env('KAFKA_PASSWORD') },
  logLevel: logLevel.WARN,
});
const registry = new SchemaRegistry({ host: env('REGISTRY_URL') });

async function decodeRecognitions() {
  const consumer = kafka.consumer({ groupId: `openmede-third-party-${process.pid}` });
  await consumer.connect();
  await consumer.subscribe({ topic: 'openmede.recognitions', fromBeginning: true });
  let decoded = 0;
  await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`only ${decoded} recognitions in 60 s`)), 60_000);
    consumer
      .run({
        eachMessage: async ({ message }) => {
          if (decoded >= count) return;
          const r = await registry.decode(message.value);
          decoded += 1;
          console.log(
            JSON.stringify({
              step: 'recognition',
              streamId: r.streamId,
              firstSequence: Number(r.firstSequence),
              top: r.top?.[0]?.label ?? null,
            }),
          );
          if (decoded >= count) {
            clearTimeout(timer);
            resolve();
          }
        },
      })
      .catch(reject);
  });
  await consumer.disconnect();
  return decoded;
}

async function writeVocabularyEntry() {
  const subject = 'openmede.vocabulary-value';
  const id = await registry.getLatestSchemaId(subject);
  const value = await registry.encode(id, {
    label,
    prompts: ['a video of {}.'],
    enabled: true,
    updatedAt: Date.now(),
  });
  const producer = kafka.producer();
  await producer.connect();
  await producer.send({ topic: 'openmede.vocabulary', messages: [{ key: label, value }] });
  await producer.disconnect();
  console.log(JSON.stringify({ step: 'vocabulary', label, schemaId: id }));
}

async function registerIncompatible() {
  // the label becomes a number: a reader of this schema cannot read the entries written so far
  const incompatible = {
    type: 'record',
    name: 'VocabularyEntry',
    namespace: 'io.openmede.schemas.avro',
    fields: [{ name: 'label', type: 'long' }],
  };
  try {
    await registry.register(
      { type: SchemaType.AVRO, schema: JSON.stringify(incompatible) },
      // the client checks that the subject is at the level it expects before it registers
      { subject: 'openmede.vocabulary-value', compatibility: COMPATIBILITY.BACKWARD_TRANSITIVE },
    );
    console.log(JSON.stringify({ step: 'incompatible', status: 'accepted' }));
    return 'accepted';
  } catch (e) {
    const status = e.status ?? e.response?.status ?? e.message;
    console.log(JSON.stringify({ step: 'incompatible', status, message: String(e.message).slice(0, 200) }));
    return String(status);
  }
}

try {
  const decoded = await decodeRecognitions();
  await writeVocabularyEntry();
  const incompatible = await registerIncompatible();
  console.log(`THIRD_PARTY decoded=${decoded} vocabulary=${JSON.stringify(label)} incompatible=${incompatible}`);
  process.exit(incompatible === '409' ? 0 : 1);
} catch (e) {
  console.error(`third-party-client: ${e.stack ?? e}`);
  process.exit(1);
}
