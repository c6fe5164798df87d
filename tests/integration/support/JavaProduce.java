// Produces records with the official Java client, so the compression suite can check that
// we read what Java producers write (xerial-framed Snappy, Java's LZ4 frames, zstd-jni).
// Run: java -cp "$KAFKA_LIB/*" JavaProduce.java BOOTSTRAP TOPIC CODEC COUNT
import java.nio.charset.StandardCharsets;
import java.util.Properties;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;

public class JavaProduce {
  public static void main(String[] args) throws Exception {
    Properties props = new Properties();
    props.put("bootstrap.servers", args[0]);
    props.put("compression.type", args[2]);
    props.put("linger.ms", "20");
    props.put("batch.size", "262144");
    props.put("acks", "all");
    props.put("key.serializer", ByteArraySerializer.class.getName());
    props.put("value.serializer", ByteArraySerializer.class.getName());
    int count = Integer.parseInt(args[3]);
    try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(props)) {
      for (int i = 0; i < count; i++) {
        String value = "{\"i\":" + i + ",\"message\":\"" + "java event payload ".repeat(40) + "\"}";
        ProducerRecord<byte[], byte[]> record = new ProducerRecord<>(
            args[1], 0, ("k" + i).getBytes(StandardCharsets.UTF_8), value.getBytes(StandardCharsets.UTF_8));
        record.headers().add("h", ("v" + i).getBytes(StandardCharsets.UTF_8));
        producer.send(record);
      }
      producer.flush();
    }
  }
}
