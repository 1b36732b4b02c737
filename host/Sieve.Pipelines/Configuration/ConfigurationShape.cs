using System.Collections;
using System.ComponentModel;
using System.Globalization;
using System.Reflection;
using Microsoft.Extensions.Configuration;

namespace Sieve.Host.Configuration;

/// <summary>
/// Checks a configuration section against the options type it binds to before the binder sees it, so that a mistyped
/// key (<c>BatchSze</c>) or a value of the wrong type (<c>BatchSize=abc</c>) is reported with its full key, the value,
/// what was expected, the closest known key and where it was set, where the binder says only that binding failed.
/// The options types themselves are the schema: a property added to them is known here at once.
/// </summary>
internal static class ConfigurationShape
{
    /// <summary>Every problem in <paramref name="section"/> as one line each; empty when it binds cleanly.</summary>
    public static List<string> Check(IConfigurationSection section, Type optionsType, SettingSources sources)
    {
        ArgumentNullException.ThrowIfNull(section);
        ArgumentNullException.ThrowIfNull(optionsType);
        ArgumentNullException.ThrowIfNull(sources);
        var errors = new List<string>();
        CheckSection(section, optionsType, sources, errors);
        return errors;
    }

    private static void CheckSection(IConfigurationSection section, Type type, SettingSources sources, List<string> errors)
    {
        if (typeof(IConfigurationSection).IsAssignableFrom(type))
        {
            return; // bound later by whoever reads it (an implementation's own options)
        }
        if (IsScalar(type))
        {
            if (section.Value is { } value && !Converts(value, type))
            {
                errors.Add($"{section.Path} = '{value}' is not {Expected(type)}{sources.Describe(section.Path)}.");
            }
            return;
        }
        if (DictionaryValueType(type) is { } valueType)
        {
            foreach (var child in section.GetChildren())
            {
                CheckSection(child, valueType, sources, errors);
            }
            return;
        }
        if (ListElementType(type) is { } elementType)
        {
            foreach (var child in section.GetChildren())
            {
                if (int.TryParse(child.Key, NumberStyles.None, CultureInfo.InvariantCulture, out _))
                {
                    CheckSection(child, elementType, sources, errors);
                }
                else
                {
                    errors.Add($"{child.Path} is not a setting: {section.Path} is a list, indexed 0, 1, …{sources.Describe(child.Path)}.");
                }
            }
            return;
        }
        var properties = type.GetProperties(BindingFlags.Public | BindingFlags.Instance).Where(p => p.CanWrite).ToList();
        foreach (var child in section.GetChildren())
        {
            var property = properties.FirstOrDefault(p => string.Equals(p.Name, child.Key, StringComparison.OrdinalIgnoreCase));
            if (property is not null)
            {
                CheckSection(child, property.PropertyType, sources, errors);
                continue;
            }
            var closest = ClosestName.Find(child.Key, properties.Select(p => p.Name));
            errors.Add($"{child.Path} is not a setting{sources.Describe(child.Path)}. " + (closest is not null
                ? $"Did you mean {closest} ({section.Path}:{closest})?"
                : $"Settings of {section.Path}: {string.Join(", ", properties.Select(p => p.Name))}."));
        }
    }

    private static bool IsScalar(Type type)
    {
        var underlying = Nullable.GetUnderlyingType(type) ?? type;
        return underlying.IsPrimitive || underlying.IsEnum || underlying == typeof(string) || underlying == typeof(decimal)
            || underlying == typeof(TimeSpan) || underlying == typeof(Uri);
    }

    private static bool Converts(string value, Type type)
    {
        var underlying = Nullable.GetUnderlyingType(type);
        if (underlying is not null && value.Length == 0)
        {
            return true; // an empty value leaves a nullable setting unset
        }
        try
        {
            TypeDescriptor.GetConverter(underlying ?? type).ConvertFromInvariantString(value);
            return true;
        }
#pragma warning disable CA1031 // Converters throw Exception itself (and FormatException, ArgumentException, …): any means "not this type".
        catch (Exception)
#pragma warning restore CA1031
        {
            return false;
        }
    }

    private static string Expected(Type type)
    {
        var underlying = Nullable.GetUnderlyingType(type) ?? type;
        return underlying switch
        {
            _ when underlying == typeof(bool) => "true or false",
            _ when underlying == typeof(int) || underlying == typeof(long) || underlying == typeof(short) => "an integer",
            _ when underlying == typeof(float) || underlying == typeof(double) || underlying == typeof(decimal) => "a number",
            _ when underlying.IsEnum => "one of " + string.Join(", ", Enum.GetNames(underlying)),
            _ => $"a {underlying.Name}",
        };
    }

    private static Type? DictionaryValueType(Type type) => GenericArgument(type, typeof(IDictionary<,>), 1);

    private static Type? ListElementType(Type type) =>
        type.IsArray ? type.GetElementType() : type != typeof(string) && typeof(IEnumerable).IsAssignableFrom(type) ? GenericArgument(type, typeof(IEnumerable<>), 0) : null;

    private static Type? GenericArgument(Type type, Type genericInterface, int index)
    {
        var implemented = type.IsInterface && type.IsGenericType && type.GetGenericTypeDefinition() == genericInterface
            ? type
            : type.GetInterfaces().FirstOrDefault(i => i.IsGenericType && i.GetGenericTypeDefinition() == genericInterface);
        return implemented?.GetGenericArguments()[index];
    }
}
