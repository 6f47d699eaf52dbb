namespace Motive.IO; internal static class Placeholder {}
