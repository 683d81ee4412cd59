using System.Text;

namespace StableDiffusion.Inference.Pipeline;

/// <summary>
/// Reads an .onnx file's protobuf framing without ONNX Runtime: every field's tag and length must fit in the file
/// (a truncated copy fails here), the ModelProto must carry ir_version, a graph and an opset, and every external
/// weights file its initializers name must exist beside it. Large payloads (nodes, raw tensor data) are seeked over,
/// so a multi-gigabyte UNet is checked in milliseconds. Field numbers are onnx.proto's.
/// </summary>
internal static class OnnxModelFile
{
    private const int ModelIrVersion = 1;
    private const int ModelGraph = 7;
    private const int ModelOpsetImport = 8;
    private const int GraphInitializer = 5;
    private const int GraphInput = 11;
    private const int GraphOutput = 12;
    private const int ValueInfoName = 1;
    private const int ValueInfoType = 2;
    private const int TypeTensor = 1;
    private const int TensorShape = 2;
    private const int ShapeDimension = 1;
    private const int DimensionValue = 1;
    private const int TensorExternalData = 13;
    private const int EntryKey = 1;
    private const int EntryValue = 2;

    /// <summary>Throws <see cref="ModelLoadException"/> naming <paramref name="relativePath"/> (never the full path) when the file is not a whole ONNX model.</summary>
    public static void Check(string directory, string relativePath)
    {
        var name = relativePath.Replace('\\', '/');
        var path = Path.Combine(directory, relativePath);
        var externals = new List<string>();
        using (var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 4096, FileOptions.RandomAccess))
        {
            if (stream.Length == 0)
            {
                throw new ModelLoadException($"{name} is empty.");
            }

            var reader = new Reader(stream, name);
            var seen = new HashSet<int>();
            reader.Fields(stream.Length, (field, length) =>
            {
                seen.Add(field);
                if (field == ModelGraph && length is { } graphLength)
                {
                    reader.Fields(stream.Position + graphLength, (graphField, graphFieldLength) =>
                    {
                        if (graphField == GraphInitializer && graphFieldLength is { } tensorLength)
                        {
                            ReadExternalLocations(reader, stream.Position + tensorLength, externals);
                            return true;
                        }

                        return false;
                    });
                    return true;
                }

                return false;
            });
            if (!seen.Contains(ModelIrVersion) || !seen.Contains(ModelGraph) || !seen.Contains(ModelOpsetImport))
            {
                throw new ModelLoadException($"{name} is not a complete ONNX model (truncated or corrupt file?): it lacks its version, graph or opset.");
            }
        }

        var folder = Path.GetDirectoryName(path)!;
        foreach (var location in externals.Distinct(StringComparer.Ordinal))
        {
            var full = Path.GetFullPath(Path.Combine(folder, location));
            if (Path.IsPathRooted(location) || !full.StartsWith(Path.GetFullPath(folder) + Path.DirectorySeparatorChar, StringComparison.Ordinal))
            {
                throw new ModelLoadException($"{name} names external weights outside its folder ('{location}').");
            }

            if (!File.Exists(full))
            {
                throw new ModelLoadException($"{name} needs its external weights '{location}' beside it, and they are missing.");
            }
        }
    }

    /// <summary>
    /// The graph's declared inputs and outputs by name, each with its dimensions (null where the axis is symbolic), read
    /// from the framing as <see cref="Check"/> reads it: what a swapped part's fit is judged by without opening a session.
    /// </summary>
    public static IReadOnlyDictionary<string, int?[]> Tensors(string directory, string relativePath)
    {
        var path = Path.Combine(directory, relativePath);
        var tensors = new Dictionary<string, int?[]>(StringComparer.Ordinal);
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 4096, FileOptions.RandomAccess);
        var reader = new Reader(stream, relativePath.Replace('\\', '/'));
        reader.Fields(stream.Length, (field, length) =>
        {
            if (field != ModelGraph || length is not { } graphLength)
            {
                return false;
            }

            reader.Fields(stream.Position + graphLength, (graphField, valueLength) =>
            {
                if (graphField is not (GraphInput or GraphOutput) || valueLength is not { } infoLength)
                {
                    return false;
                }

                var (name, dimensions) = ReadValueInfo(reader, stream.Position + infoLength);
                if (name is not null)
                {
                    tensors.TryAdd(name, dimensions);
                }

                return true;
            });
            return true;
        });
        return tensors;
    }

    /// <summary>A ValueInfoProto: its name and its tensor type's shape (TypeProto.tensor_type.shape.dim[].dim_value).</summary>
    private static (string? Name, int?[] Dimensions) ReadValueInfo(Reader reader, long end)
    {
        string? name = null;
        var dimensions = new List<int?>();
        reader.Fields(end, (field, length) =>
        {
            if (length is not { } count)
            {
                return false;
            }

            if (field == ValueInfoName)
            {
                name = reader.ReadString(count);
                return true;
            }

            return field == ValueInfoType && Nested(reader, reader.Position + count, TypeTensor, tensorEnd =>
                Nested(reader, tensorEnd, TensorShape, shapeEnd =>
                    Nested(reader, shapeEnd, ShapeDimension, dimensionEnd =>
                    {
                        int? value = null;
                        reader.Fields(dimensionEnd, (dimensionField, dimensionLength) =>
                        {
                            if (dimensionField == DimensionValue && dimensionLength is null && reader.Varint is > 0 and <= int.MaxValue)
                            {
                                value = (int)reader.Varint;
                            }

                            return false;
                        });
                        dimensions.Add(value);
                        return true;
                    })));
        });
        return (name, [.. dimensions]);
    }

    /// <summary>Reads each length-delimited field <paramref name="wanted"/> up to <paramref name="end"/> with <paramref name="read"/>, which gets the field's end.</summary>
    private static bool Nested(Reader reader, long end, int wanted, Func<long, bool> read)
    {
        reader.Fields(end, (field, length) => field == wanted && length is { } count && read(reader.Position + count));
        return true;
    }

    /// <summary>A TensorProto's external_data entries with the key "location".</summary>
    private static void ReadExternalLocations(Reader reader, long end, List<string> locations) =>
        reader.Fields(end, (field, length) =>
        {
            if (field != TensorExternalData || length is not { } entryLength)
            {
                return false;
            }

            string? key = null, value = null;
            reader.Fields(reader.Position + entryLength, (entryField, stringLength) =>
            {
                if (entryField is not (EntryKey or EntryValue) || stringLength is not { } count)
                {
                    return false;
                }

                var text = reader.ReadString(count);
                (key, value) = entryField == EntryKey ? (text, value) : (key, text);
                return true;
            });
            if (key == "location" && value is not null)
            {
                locations.Add(value);
            }

            return true;
        });

    private sealed class Reader(FileStream stream, string name)
    {
        public long Position => stream.Position;

        /// <summary>The value of the varint field <see cref="Fields"/> just visited.</summary>
        public ulong Varint { get; private set; }

        /// <summary>
        /// Walks the fields up to <paramref name="end"/>. For each, <paramref name="visit"/> gets its number and, for a
        /// length-delimited one, its length; it returns true when it consumed the payload, else the payload is skipped.
        /// </summary>
        public void Fields(long end, Func<int, long?, bool> visit)
        {
            while (stream.Position < end)
            {
                var tag = ReadVarint(end);
                var field = (int)(tag >> 3);
                if (field <= 0)
                {
                    throw Corrupt();
                }

                switch (tag & 7)
                {
                    case 0:
                        Varint = ReadVarint(end);
                        visit(field, null);
                        break;
                    case 1:
                        Skip(8, end);
                        visit(field, null);
                        break;
                    case 5:
                        Skip(4, end);
                        visit(field, null);
                        break;
                    case 2:
                        var length = (long)ReadVarint(end);
                        var payloadEnd = stream.Position + length;
                        if (length < 0 || payloadEnd > end)
                        {
                            throw Corrupt();
                        }

                        if (!visit(field, length) || stream.Position != payloadEnd)
                        {
                            stream.Position = payloadEnd;
                        }

                        break;
                    default:
                        // Groups (3, 4) are not used by onnx.proto; 6 and 7 do not exist.
                        throw Corrupt();
                }
            }

            if (stream.Position != end)
            {
                throw Corrupt();
            }
        }

        public string ReadString(long count)
        {
            var bytes = new byte[count];
            stream.ReadExactly(bytes);
            return Encoding.UTF8.GetString(bytes);
        }

        private ulong ReadVarint(long end)
        {
            ulong value = 0;
            for (var shift = 0; shift < 64; shift += 7)
            {
                if (stream.Position >= end)
                {
                    throw Corrupt();
                }

                var b = stream.ReadByte();
                value |= (ulong)(b & 0x7f) << shift;
                if ((b & 0x80) == 0)
                {
                    return value;
                }
            }

            throw Corrupt();
        }

        private void Skip(int count, long end)
        {
            if (stream.Position + count > end)
            {
                throw Corrupt();
            }

            stream.Position += count;
        }

        private ModelLoadException Corrupt() => new($"{name} is not a valid ONNX model (truncated or corrupt file?).");
    }
}
